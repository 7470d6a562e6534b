package dev.distill.core.checkpoint;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

/**
 * Releases a memory map as soon as its tensor has been copied. The JDK unmaps a MappedByteBuffer
 * only when it is garbage collected, so the pages of every tensor read so far would otherwise stay
 * in the process (counted in its resident memory) until some later GC: loading would peak at the
 * weights plus most of the file.
 */
final class Unmapper {
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private Unmapper() {}

    /** Unmaps {@code buffer}; neither it nor any view of it may be used afterwards. */
    static void unmap(MappedByteBuffer buffer) {
        if (UNSAFE != null) {
            UNSAFE.invokeCleaner(buffer);
        }
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // without it the maps are released by the garbage collector, later
        }
    }
}
