package dev.parlor.common.placement;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Which room node owns a room: rendezvous (highest random weight) hashing of the room key over the
 * live room nodes, so adding or removing a node moves only that node's share of rooms. Pure: every
 * gateway computes the same answer from the same membership.
 */
public final class RoomPlacement {
  private RoomPlacement() {
  }

  /** The owner of roomKey among nodeIds, or null when there is no node. */
  public static String owner(String roomKey, Collection<String> nodeIds) {
    String best = null;
    long bestScore = Long.MIN_VALUE;
    long roomHash = hash(roomKey);
    for (String node : nodeIds) {
      long score = mix(roomHash ^ hash(node));
      if (best == null || score > bestScore || (score == bestScore && node.compareTo(best) < 0)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  /** The shard, within a node of {@code shards} shards, that serves roomKey. */
  public static int shard(String roomKey, int shards) {
    return (int) Long.remainderUnsigned(mix(hash(roomKey) + 0x9E3779B97F4A7C15L), shards);
  }

  /** 64-bit FNV-1a over UTF-8: stable across JVMs and versions, unlike String.hashCode mixing. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64 finaliser: spreads FNV's weak low bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
