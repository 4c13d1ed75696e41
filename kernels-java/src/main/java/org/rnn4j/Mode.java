package org.rnn4j;

/** What a forward pass is for: inference keeps nothing; training saves what backward needs in the workspace. */
public enum Mode {
    INFERENCE,
    TRAINING
}
