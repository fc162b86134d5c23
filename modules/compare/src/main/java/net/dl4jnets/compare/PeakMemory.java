package net.dl4jnets.compare;

import org.bytedeco.javacpp.Pointer;

/**
 * Samples memory while an architecture trains, ten times a second: the JVM heap in use, and the process's resident
 * memory, which includes ND4J's off-heap arrays (ND4J's native allocations are not tracked anywhere we can read).
 * The heap peak starts from a collected heap for each architecture; resident memory is rarely given back to the
 * system, so in one JVM its peak only grows from one architecture to the next.
 */
final class PeakMemory implements AutoCloseable {
    /** Peak bytes seen: heap in use, and resident memory of the whole process. */
    record Peaks(long heapBytes, long residentBytes) {
        double heapMb() {
            return heapBytes / 1048576.0;
        }

        double residentMb() {
            return residentBytes / 1048576.0;
        }
    }

    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long heap;
    private volatile long resident;

    PeakMemory() {
        System.gc(); // start each architecture's heap peak from live data, not the last one's garbage
        sample();
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "nets-peak-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        Runtime rt = Runtime.getRuntime();
        heap = Math.max(heap, rt.totalMemory() - rt.freeMemory());
        resident = Math.max(resident, Pointer.physicalBytes());
    }

    Peaks peaks() {
        sample();
        return new Peaks(heap, resident);
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
