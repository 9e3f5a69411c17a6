package io.github.diffqp.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for every test class of the module (starting one takes seconds): two worker
 * threads, as the tests ask, and no UI. It ends with the test JVM.
 *
 * <p>Spark's generated code is turned off: compiling it (Janino, for every new plan and row encoder) showed
 * up on the tests' main thread on a 2-core machine, for tables of a few thousand rows. The interpreted
 * projections it falls back on read and write the same rows.
 */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession session() {
        return Holder.SESSION;
    }

    private static final class Holder {
        static final SparkSession SESSION = SparkSession.builder().master("local[2]").appName("diffqp-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.codegen.wholeStage", "false")
                .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                .getOrCreate();
    }
}
