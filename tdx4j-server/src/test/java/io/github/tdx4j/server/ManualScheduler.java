package io.github.tdx4j.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link RefreshScheduler} for tests: keeps the planned tasks, and runs those due when told. */
final class ManualScheduler implements RefreshScheduler {
    private record Task(Instant at, Runnable run) {
    }

    private final List<Task> tasks = new ArrayList<>();

    @Override
    public synchronized void schedule(Instant at, Runnable task) {
        tasks.add(new Task(at, task));
    }

    /** The planned times, earliest first. */
    synchronized List<Instant> planned() {
        return tasks.stream().map(Task::at).sorted().toList();
    }

    /** Runs the tasks due at {@code now}, earliest first, including those they plan at or before {@code now}. */
    int runDue(Instant now) {
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.at().isAfter(now)).min(Comparator.comparing(Task::at))
                        .orElse(null);
                if (next == null) {
                    return ran;
                }
                tasks.remove(next);
            }
            next.run().run();
            ran++;
        }
    }

    @Override
    public synchronized void close() {
        tasks.clear();
    }
}
