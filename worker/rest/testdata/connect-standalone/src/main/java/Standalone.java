// Standalone starts Kafka Connect's standalone worker with the test's
// arguments. javaoracle compiles the sources of a harness, so the harness
// needs one; starting ConnectStandalone from here also keeps the class to
// run named in this directory.
public final class Standalone {
    public static void main(String[] args) throws Exception {
        org.apache.kafka.connect.cli.ConnectStandalone.main(args);
    }
}
