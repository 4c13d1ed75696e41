package org.rnn4j.nativebackend;

/** Prints what the OpenBLAS core-type policy did in this JVM; run by {@link NativeCoreTypePolicyTest}. */
public final class CoreTypeMain {
    private CoreTypeMain() {}

    public static void main(String[] args) {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        if (!info.isLoaded()) throw new IllegalStateException(info.failureReason());
        System.out.println("core=" + info.openblasCoreName());
        System.out.println("policy=" + info.coreTypePolicy());
        System.out.println("warning=" + info.coreTypeWarning());
    }
}
