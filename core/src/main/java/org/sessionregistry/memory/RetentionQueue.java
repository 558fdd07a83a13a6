package org.sessionregistry.memory;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory store's sessions in the order of their retain-until instants, to about a second: the order in which
 * they expire, and in which a full store evicts them. Each session is filed once, in the bucket of its retain-until;
 * a touch raises the instant without moving the session, and a session taken from its bucket with a later instant than
 * the bucket's is filed again (so touches, the frequent write, cost nothing here).
 *
 * <p>One lock guards the links, held for a few pointer writes and never while taking another lock. Adding to the
 * bucket of the previous add, the usual case (sessions created together end together), is a comparison and four writes.
 */
final class RetentionQueue {
  /** Buckets of 2^10 ms: a session is found due at most about a second after its retain-until. */
  static final int BUCKET_SHIFT = 10;

  /** What the queue holds: the retain-until instant (epoch millis) and links guarded by the queue's lock. */
  static class Node {
    /** Only ever raised; written by the store, read here. */
    volatile long retainUntil;

    private @Nullable Node prev;
    private @Nullable Node next;

    /** The bucket holding this node; null when the node is not queued. */
    private @Nullable Bucket bucket;

    /** The bucket it was last filed in; a retain-until past it means the node was touched since. */
    private long filed;

    /** Whether the retain-until moved past the bucket this node was last filed in: a touch since. */
    final boolean movedOn() {
      return (retainUntil >> BUCKET_SHIFT) > filed;
    }
  }

  private static final class Bucket {
    final long index;

    /** A sentinel: the first node is {@code head.next}, the last {@code head.prev}. */
    final Node head = new Node();

    Bucket(long index) {
      this.index = index;
      head.prev = head;
      head.next = head;
    }

    boolean isEmpty() {
      return head.next == head;
    }

    /** The first instant after every retain-until this bucket can hold. */
    long end() {
      return index >= Long.MAX_VALUE >> BUCKET_SHIFT ? Long.MAX_VALUE : (index + 1) << BUCKET_SHIFT;
    }
  }

  private final TreeMap<Long, Bucket> buckets = new TreeMap<>();

  /** The bucket of the latest add, kept while empty: the next add most likely goes there too. */
  private @Nullable Bucket recent;

  /** The end of the earliest bucket (Long.MAX_VALUE when none), readable without the lock. */
  private volatile long firstEnd = Long.MAX_VALUE;

  private long size;

  /** Files the node by its retain-until; does nothing if it is queued already. */
  synchronized void add(Node node) {
    if (node.bucket != null) {
      return;
    }
    long index = node.retainUntil >> BUCKET_SHIFT;
    Bucket bucket = recent;
    if (bucket == null || bucket.index != index) {
      bucket = buckets.get(index);
      if (bucket == null) {
        bucket = new Bucket(index);
        buckets.put(index, bucket);
      }
      Bucket previous = recent;
      recent = bucket;
      if (previous != null && previous.isEmpty()) {
        drop(previous);
      }
      firstEnd = buckets.firstEntry().getValue().end();
    }
    Node last = bucket.head.prev;
    node.prev = last;
    node.next = bucket.head;
    last.next = node;
    bucket.head.prev = node;
    node.bucket = bucket;
    node.filed = index;
    size++;
  }

  /** How many nodes are queued. */
  synchronized long size() {
    return size;
  }

  /** Takes the node out of the queue; does nothing if it is not queued. */
  synchronized void remove(Node node) {
    Bucket bucket = node.bucket;
    if (bucket == null) {
      return;
    }
    unlink(node);
    if (bucket.isEmpty() && bucket != recent) {
      drop(bucket);
    }
  }

  /** Whether some node may be due at {@code now}, read without the lock (a hint: it may be stale). */
  boolean mayHaveDue(long now) {
    return firstEnd <= now;
  }

  /** Takes the first node of the earliest bucket if that bucket ended at or before {@code now}; null if none did. */
  synchronized @Nullable Node pollDue(long now) {
    return poll(now);
  }

  /** Takes the first node of the earliest bucket, due or not; null when the queue is empty. */
  synchronized @Nullable Node pollFirst() {
    return poll(Long.MAX_VALUE);
  }

  private @Nullable Node poll(long dueBy) {
    for (; ; ) {
      Map.Entry<Long, Bucket> first = buckets.firstEntry();
      if (first == null) {
        return null;
      }
      Bucket bucket = first.getValue();
      if (bucket.end() > dueBy) {
        return null;
      }
      if (bucket.isEmpty()) {
        drop(bucket);
        continue;
      }
      Node node = bucket.head.next;
      unlink(node);
      return node;
    }
  }

  synchronized void clear() {
    for (Bucket bucket : buckets.values()) {
      for (Node n = bucket.head.next; n != bucket.head; ) {
        Node next = n.next;
        n.prev = null;
        n.next = null;
        n.bucket = null;
        n = next;
      }
    }
    buckets.clear();
    recent = null;
    size = 0;
    firstEnd = Long.MAX_VALUE;
  }

  private void unlink(Node node) {
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    node.bucket = null;
    size--;
  }

  private void drop(Bucket bucket) {
    buckets.remove(bucket.index, bucket);
    if (bucket == recent) {
      recent = null;
    }
    Map.Entry<Long, Bucket> first = buckets.firstEntry();
    firstEnd = first == null ? Long.MAX_VALUE : first.getValue().end();
  }
}
