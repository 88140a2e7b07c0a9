package org.fcgibridge.sample.e2e;

/** {@link CaddyIT} with the launcher's Jetty engine. */
@Variant("Caddy fastcgi transport (Jetty engine)")
class CaddyJettyIT extends CaddyIT {
    @Override
    String engine() {
        return "jetty";
    }
}
