package org.fcgibridge.sample.e2e;

/** {@link H2oIT} with the launcher's Jetty engine. */
@Variant("h2o fastcgi.connect (Jetty engine)")
class H2oJettyIT extends H2oIT {
    @Override
    String engine() {
        return "jetty";
    }
}
