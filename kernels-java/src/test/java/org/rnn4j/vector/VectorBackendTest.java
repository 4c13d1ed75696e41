package org.rnn4j.vector;

import org.rnn4j.testkit.BackendUnderTest;

import org.junit.jupiter.api.Nested;
import org.rnn4j.testkit.AccumulateSuite;
import org.rnn4j.testkit.AllocationSuite;
import org.rnn4j.testkit.ArgumentCopySuite;
import org.rnn4j.testkit.CallValidationSuite;
import org.rnn4j.testkit.ConformanceSuite;
import org.rnn4j.testkit.EqualsReferenceSuite;
import org.rnn4j.testkit.GradcheckSuite;
import org.rnn4j.testkit.LayoutAndDtypeSuite;
import org.rnn4j.testkit.LifecycleSuite;
import org.rnn4j.testkit.OddSizeSuite;
import org.rnn4j.testkit.OnnxNodeSuite;
import org.rnn4j.testkit.OptionalArgsSuite;
import org.rnn4j.testkit.OverlapValidationSuite;
import org.rnn4j.testkit.ReuseSuite;
import org.rnn4j.testkit.SetupValidationSuite;
import org.rnn4j.testkit.StepLoopSuite;
import org.rnn4j.testkit.TensorValidationSuite;
import org.rnn4j.testkit.ThreadsSuite;
import org.rnn4j.testkit.VarlenSuite;

/** Every suite of the test kit (docs/contract.md) against the vector backend, at its default threads. */
class VectorBackendTest {
    static final BackendUnderTest VECTOR = BackendUnderTest.of("vector");

    // @formatter:off
    @Nested class Accumulate extends AccumulateSuite { Accumulate() { super(VECTOR); } }
    @Nested class Allocation extends AllocationSuite { Allocation() { super(VECTOR); } }
    @Nested class ArgumentCopy extends ArgumentCopySuite { ArgumentCopy() { super(VECTOR); } }
    @Nested class CallValidation extends CallValidationSuite { CallValidation() { super(VECTOR); } }
    @Nested class Conformance extends ConformanceSuite { Conformance() { super(VECTOR); } }
    @Nested class EqualsReference extends EqualsReferenceSuite { EqualsReference() { super(VECTOR); } }
    @Nested class Gradcheck extends GradcheckSuite { Gradcheck() { super(VECTOR); } }
    @Nested class LayoutAndDtype extends LayoutAndDtypeSuite { LayoutAndDtype() { super(VECTOR); } }
    @Nested class Lifecycle extends LifecycleSuite { Lifecycle() { super(VECTOR); } }
    @Nested class OddSize extends OddSizeSuite { OddSize() { super(VECTOR); } }
    @Nested class OnnxNode extends OnnxNodeSuite { OnnxNode() { super(VECTOR); } }
    @Nested class OptionalArgs extends OptionalArgsSuite { OptionalArgs() { super(VECTOR); } }
    @Nested class OverlapValidation extends OverlapValidationSuite { OverlapValidation() { super(VECTOR); } }
    @Nested class Reuse extends ReuseSuite { Reuse() { super(VECTOR); } }
    @Nested class SetupValidation extends SetupValidationSuite { SetupValidation() { super(VECTOR); } }
    @Nested class StepLoop extends StepLoopSuite { StepLoop() { super(VECTOR); } }
    @Nested class TensorValidation extends TensorValidationSuite { TensorValidation() { super(VECTOR); } }
    @Nested class Threads extends ThreadsSuite { Threads() { super(VECTOR); } }
    @Nested class Varlen extends VarlenSuite { Varlen() { super(VECTOR); } }
    // @formatter:on
}
