package org.rnn4j.nativebackend;

import org.junit.jupiter.api.Nested;
import org.rnn4j.testkit.AccumulateSuite;
import org.rnn4j.testkit.AllocationSuite;
import org.rnn4j.testkit.ArgumentCopySuite;
import org.rnn4j.testkit.BackendUnderTest;
import org.rnn4j.testkit.CallValidationSuite;
import org.rnn4j.testkit.ConformanceSuite;
import org.rnn4j.testkit.EqualsReferenceSuite;
import org.rnn4j.testkit.GradcheckSuite;
import org.rnn4j.testkit.LayoutAndDtypeSuite;
import org.rnn4j.testkit.LifecycleSuite;
import org.rnn4j.testkit.OddSizeSuite;
import org.rnn4j.testkit.OptionalArgsSuite;
import org.rnn4j.testkit.OverlapValidationSuite;
import org.rnn4j.testkit.ReuseSuite;
import org.rnn4j.testkit.SetupValidationSuite;
import org.rnn4j.testkit.StepLoopSuite;
import org.rnn4j.testkit.TensorValidationSuite;
import org.rnn4j.testkit.ThreadsSuite;
import org.rnn4j.testkit.VarlenSuite;

/**
 * Every suite of the test kit (docs/contract.md), taken from kernels-java's {@code tests} jar with the PyTorch
 * fixtures, run through this module's own test class path: the way any backend module reuses the kit.
 *
 * <p>The backend under test is {@code native}, compared with the {@code reference} oracle at the conformance
 * tolerance: this is the main correctness gate of the native backend.
 */
class NativeModuleSuitesTest {
    static final BackendUnderTest UNDER_TEST = BackendUnderTest.of("native");

    // @formatter:off
    @Nested class Accumulate extends AccumulateSuite { Accumulate() { super(UNDER_TEST); } }
    @Nested class Allocation extends AllocationSuite { Allocation() { super(UNDER_TEST); } }
    @Nested class ArgumentCopy extends ArgumentCopySuite { ArgumentCopy() { super(UNDER_TEST); } }
    @Nested class CallValidation extends CallValidationSuite { CallValidation() { super(UNDER_TEST); } }
    @Nested class Conformance extends ConformanceSuite { Conformance() { super(UNDER_TEST); } }
    @Nested class EqualsReference extends EqualsReferenceSuite { EqualsReference() { super(UNDER_TEST); } }
    @Nested class Gradcheck extends GradcheckSuite { Gradcheck() { super(UNDER_TEST); } }
    @Nested class LayoutAndDtype extends LayoutAndDtypeSuite { LayoutAndDtype() { super(UNDER_TEST); } }
    @Nested class Lifecycle extends LifecycleSuite { Lifecycle() { super(UNDER_TEST); } }
    @Nested class OddSize extends OddSizeSuite { OddSize() { super(UNDER_TEST); } }
    @Nested class OnnxNode extends org.rnn4j.testkit.OnnxNodeSuite { OnnxNode() { super(UNDER_TEST); } }
    @Nested class OptionalArgs extends OptionalArgsSuite { OptionalArgs() { super(UNDER_TEST); } }
    @Nested class OverlapValidation extends OverlapValidationSuite { OverlapValidation() { super(UNDER_TEST); } }
    @Nested class Reuse extends ReuseSuite { Reuse() { super(UNDER_TEST); } }
    @Nested class SetupValidation extends SetupValidationSuite { SetupValidation() { super(UNDER_TEST); } }
    @Nested class StepLoop extends StepLoopSuite { StepLoop() { super(UNDER_TEST); } }
    @Nested class TensorValidation extends TensorValidationSuite { TensorValidation() { super(UNDER_TEST); } }
    @Nested class Threads extends ThreadsSuite { Threads() { super(UNDER_TEST); } }
    @Nested class Varlen extends VarlenSuite { Varlen() { super(UNDER_TEST); } }
    // @formatter:on
}
