package org.fcgibridge.servlet.arquillian;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers {@link FcgiBridgeContainer} with Arquillian (found through {@code META-INF/services}). */
public final class FcgiBridgeExtension implements LoadableExtension {
    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, FcgiBridgeContainer.class);
    }
}
