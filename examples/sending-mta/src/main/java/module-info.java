// A consumer that is a named module: examples/verify.sh runs it with java --module-path.
// --- example: README Use it from your build, a sending MTA on the module path
module com.example.sending {
    requires org.mtasts.dns;
    requires org.mtasts.http;
}
// ---
