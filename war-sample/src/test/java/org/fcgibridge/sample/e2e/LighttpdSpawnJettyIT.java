package org.fcgibridge.sample.e2e;

/** {@link LighttpdSpawnIT} with the launcher's Jetty engine. */
@Variant("lighttpd bin-path, socket on fd 0 (Jetty engine)")
class LighttpdSpawnJettyIT extends LighttpdSpawnIT {
    @Override
    String engine() {
        return "jetty";
    }
}
