# Shared by the bench scripts (source it): builds the test classes and the classpath, then copies the
# compiled classes to a temporary folder ($classes), so a build during a long run cannot pull classes from
# under it. Run from the project root.
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
classes=$(mktemp -d); trap 'rm -rf "$classes"' EXIT
cp -r target/classes target/test-classes "$classes"/

# bench_java MAIN ARGS...: runs a bench main class from the copy, offline, with warnings only.
bench_java() {
  OPT_OUT_TRACKING=true java ${BENCH_JAVA_OPTS:-} -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$classes/classes:$classes/test-classes:$(cat target/bench.classpath)" "$@"
}
