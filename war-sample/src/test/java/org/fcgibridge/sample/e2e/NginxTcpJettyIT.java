package org.fcgibridge.sample.e2e;

/** {@link NginxTcpIT} with the launcher's Jetty engine. */
@Variant("nginx TCP keep_conn on (Jetty engine)")
class NginxTcpJettyIT extends NginxTcpIT {
    @Override
    String engine() {
        return "jetty";
    }
}
