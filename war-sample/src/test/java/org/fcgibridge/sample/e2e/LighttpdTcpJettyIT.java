package org.fcgibridge.sample.e2e;

/** {@link LighttpdTcpIT} with the launcher's Jetty engine. */
@Variant("lighttpd TCP (Jetty engine)")
class LighttpdTcpJettyIT extends LighttpdTcpIT {
    @Override
    String engine() {
        return "jetty";
    }
}
