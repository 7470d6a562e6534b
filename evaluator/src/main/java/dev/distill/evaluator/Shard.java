package dev.distill.evaluator;

/**
 * Which of a run's checkpoints this evaluator scores, when several evaluate one run: those whose
 * version mod {@code count} is {@code index}.
 *
 * <p>Why not a consumer group over partitions: the checkpoints topic is keyed by run, so a run's
 * versions are ordered in one partition (the trainer's chain and the producer's follower read them
 * in order) and a group would give all of them to one member. Each shard reads the whole partition
 * in its own group and transaction and skips the versions it does not own, so every version is
 * scored by exactly one evaluator and the shards never wait for each other.
 */
record Shard(int index, int count) {
    static final Shard ALL = new Shard(0, 1);

    Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException(
                    "an evaluator shard needs 0 <= shard < shards and shards >= 1, not shard "
                            + index
                            + " of "
                            + count);
        }
    }

    boolean owns(long version) {
        return Math.floorMod(version, count) == index;
    }

    /** Group, transactional and Streams ids of a shard; none for a single evaluator. */
    String idSuffix() {
        return count == 1 ? "" : "-shard-" + index + "-of-" + count;
    }

    @Override
    public String toString() {
        return count == 1 ? "all versions" : "versions mod " + count + " = " + index;
    }
}
