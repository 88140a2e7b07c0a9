package org.fcgibridge.sample.e2e;

/** {@link NginxUnixIT} with the launcher's Jetty engine. */
@Variant("nginx Unix socket keep_conn off (Jetty engine)")
class NginxUnixJettyIT extends NginxUnixIT {
    @Override
    String engine() {
        return "jetty";
    }
}
