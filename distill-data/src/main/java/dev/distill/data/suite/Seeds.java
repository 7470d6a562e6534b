package dev.distill.data.suite;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * Independent random streams named by what they are for: an item's presentation depends only on the
 * seed, its family and its key, not on how many items were drawn before it, so adding a family does
 * not reshuffle the others.
 */
final class Seeds {
    private Seeds() {}

    static SplittableRandom random(long seed, String... names) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            for (String n : names) {
                sha.update(n.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return new SplittableRandom(ByteBuffer.wrap(sha.digest()).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
