package org.fcgibridge.sample.e2e;

/** {@link ApacheSetHandlerIT} with the launcher's Jetty engine. */
@Variant("Apache SetHandler Unix socket (Jetty engine)")
class ApacheSetHandlerJettyIT extends ApacheSetHandlerIT {
    @Override
    String engine() {
        return "jetty";
    }
}
