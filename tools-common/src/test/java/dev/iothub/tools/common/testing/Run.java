package dev.iothub.tools.common.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/** A tool run in-process through its picocli entry point, as its main would run it, with stdout and stderr captured. */
public final class Run {
    private final Output out = new Output();
    private final Output err = new Output();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final String tool;

    private Run(CommandLine commandLine) {
        this.tool = commandLine.getCommandName();
    }

    /** Runs the tool to its end. */
    public static Run of(CommandLine commandLine, String... args) {
        Run run = new Run(commandLine);
        run.execute(commandLine, args);
        return run;
    }

    /** Starts the tool on its own thread; {@link #exitCode(Duration)} waits for it. */
    public static Run inBackground(CommandLine commandLine, String... args) {
        Run run = new Run(commandLine);
        Thread thread = new Thread(() -> run.execute(commandLine, args), commandLine.getCommandName());
        thread.setDaemon(true);
        thread.start();
        return run;
    }

    private void execute(CommandLine commandLine, String... args) {
        try {
            exitCode.complete(commandLine.setOut(out.printWriter()).setErr(err.printWriter()).execute(args));
        } catch (Throwable t) {
            exitCode.completeExceptionally(t);
        }
    }

    /** The tool's name, with which each of its error lines starts. */
    public String tool() {
        return tool;
    }

    public Output out() {
        return out;
    }

    public Output err() {
        return err;
    }

    public int exitCode() {
        return exitCode(Duration.ZERO);
    }

    public int exitCode(Duration timeout) {
        try {
            return timeout.isZero() ? exitCode.get() : exitCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the tool did not end within " + timeout + "; stdout:\n" + out + "\nstderr:\n" + err);
        } catch (ExecutionException e) {
            throw new AssertionError("the tool threw", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "exit " + (exitCode.isDone() ? exitCode.join() : "(running)") + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
