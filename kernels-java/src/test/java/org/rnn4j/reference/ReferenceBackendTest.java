package org.rnn4j.reference;

import static org.rnn4j.testkit.BackendUnderTest.REFERENCE;

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

/** Every suite of the test kit (docs/contract.md) against the reference backend, the oracle. */
class ReferenceBackendTest {
    // @formatter:off
    @Nested class Accumulate extends AccumulateSuite { Accumulate() { super(REFERENCE); } }
    @Nested class Allocation extends AllocationSuite { Allocation() { super(REFERENCE); } }
    @Nested class ArgumentCopy extends ArgumentCopySuite { ArgumentCopy() { super(REFERENCE); } }
    @Nested class CallValidation extends CallValidationSuite { CallValidation() { super(REFERENCE); } }
    @Nested class Conformance extends ConformanceSuite { Conformance() { super(REFERENCE); } }
    @Nested class EqualsReference extends EqualsReferenceSuite { EqualsReference() { super(REFERENCE); } }
    @Nested class Gradcheck extends GradcheckSuite { Gradcheck() { super(REFERENCE); } }
    @Nested class LayoutAndDtype extends LayoutAndDtypeSuite { LayoutAndDtype() { super(REFERENCE); } }
    @Nested class Lifecycle extends LifecycleSuite { Lifecycle() { super(REFERENCE); } }
    @Nested class OddSize extends OddSizeSuite { OddSize() { super(REFERENCE); } }
    @Nested class OnnxNode extends OnnxNodeSuite { OnnxNode() { super(REFERENCE); } }
    @Nested class OptionalArgs extends OptionalArgsSuite { OptionalArgs() { super(REFERENCE); } }
    @Nested class OverlapValidation extends OverlapValidationSuite { OverlapValidation() { super(REFERENCE); } }
    @Nested class Reuse extends ReuseSuite { Reuse() { super(REFERENCE); } }
    @Nested class SetupValidation extends SetupValidationSuite { SetupValidation() { super(REFERENCE); } }
    @Nested class StepLoop extends StepLoopSuite { StepLoop() { super(REFERENCE); } }
    @Nested class TensorValidation extends TensorValidationSuite { TensorValidation() { super(REFERENCE); } }
    @Nested class Threads extends ThreadsSuite { Threads() { super(REFERENCE); } }
    @Nested class Varlen extends VarlenSuite { Varlen() { super(REFERENCE); } }
    // @formatter:on
}
