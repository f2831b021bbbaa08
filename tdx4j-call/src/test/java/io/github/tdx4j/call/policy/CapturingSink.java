package io.github.tdx4j.call.policy;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/** Records log lines. */
final class CapturingSink implements LogSink {
    final List<String> lines = new ArrayList<>();
    final List<Level> levels = new ArrayList<>();

    @Override
    public void log(Level level, String message) {
        levels.add(level);
        lines.add(message);
    }
}
