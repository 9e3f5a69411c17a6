package io.github.diffqp.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of {@code diffqp} in-process, with its exit code and what it printed. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The lines printed on stderr. */
    long errLines() {
        return err.lines().count();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
