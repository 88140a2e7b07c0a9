package org.fcgibridge.sample.e2e;

/** {@link ApacheProxyPassIT} with the launcher's Jetty engine. */
@Variant("Apache ProxyPass TCP (Jetty engine)")
class ApacheProxyPassJettyIT extends ApacheProxyPassIT {
    @Override
    String engine() {
        return "jetty";
    }
}
