package org.fcgibridge.servlet.arquillian.tck;

import org.fcgibridge.servlet.arquillian.FcgiBridgeContainer;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * With {@code -Darquillian.launch=reference}, the reference container stands in for fcgi-bridge's (Arquillian
 * wants exactly one container implementation).
 */
public final class ReferenceExtension implements LoadableExtension {
    @Override
    public void register(ExtensionBuilder builder) {
        if ("reference".equals(System.getProperty("arquillian.launch"))) {
            builder.override(DeployableContainer.class, FcgiBridgeContainer.class, ReferenceJettyContainer.class);
        }
    }
}
