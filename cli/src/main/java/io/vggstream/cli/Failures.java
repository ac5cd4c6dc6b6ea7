package io.vggstream.cli;

import com.typesafe.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure into one line a person can act on instead of a stack trace: a bad config key
 * is bad usage (exit 2), anything else a failure (exit 1). {@code VGGSTREAM_DEBUG=1} shows the trace.
 */
final class Failures implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        if (System.getenv("VGGSTREAM_DEBUG") != null) {
            e.printStackTrace(cl.getErr());
        }
        String name = cl.getCommandSpec().qualifiedName();
        if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
            cl.getErr().println(name + ": " + e.getMessage());
            cl.getErr().println("Try '" + name + " --help' for more information.");
            return 2;
        }
        cl.getErr().println(name + ": " + describe(e));
        return 1;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        // The cause often says what the broker said; keep it when it adds something.
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
            sb.append(" (").append(c.getMessage()).append(')');
        }
        return sb.toString();
    }
}
