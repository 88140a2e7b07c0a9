package org.fcgibridge.servlet.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebAppClassLoaderTest {
    @TempDir
    Path dir;

    /** The launcher: its own copy of svc.Greeter with a provider, and a service type only it has. */
    private URLClassLoader launcher() throws Exception {
        new WarBuilder(dir.resolve("launcher")).lib("launcher.jar", Map.of(
                "svc.Greeter", "package svc; public interface Greeter { String greet(); }",
                "svc.LauncherGreeter", "package svc; public class LauncherGreeter implements Greeter {"
                        + " public String greet() { return \"launcher\"; } }",
                "shared.Codec", "package shared; public interface Codec { }",
                "shared.LauncherCodec", "package shared; public class LauncherCodec implements Codec { }"), Map.of(
                "META-INF/services/svc.Greeter", "svc.LauncherGreeter\n",
                "META-INF/services/shared.Codec", "shared.LauncherCodec\n"));
        return new URLClassLoader(new URL[] {jar("launcher", "launcher.jar")}, ClassLoader.getPlatformClassLoader());
    }

    /** The application brings svc.Greeter itself (as a WAR bundles slf4j-api) and its own provider. */
    private WebAppClassLoader application(ClassLoader parent) throws Exception {
        new WarBuilder(dir.resolve("app")).lib("app.jar", Map.of(
                "svc.Greeter", "package svc; public interface Greeter { String greet(); }",
                "svc.AppGreeter", "package svc; public class AppGreeter implements Greeter {"
                        + " public String greet() { return \"app\"; } }"), Map.of(
                "META-INF/services/svc.Greeter", "svc.AppGreeter\n"));
        return new WebAppClassLoader(new URL[] {jar("app", "app.jar")}, parent);
    }

    private URL jar(String builder, String name) throws Exception {
        return dir.resolve(builder).resolve("jars").resolve(name).toUri().toURL();
    }

    @Test
    void aServiceTypeTheApplicationDefinesHasOnlyTheApplicationsProviders() throws Exception {
        try (URLClassLoader launcher = launcher(); WebAppClassLoader app = application(launcher)) {
            Class<?> greeter = app.loadClass("svc.Greeter");
            assertEquals(app, greeter.getClassLoader());
            List<String> providers = new ArrayList<>();
            // before: ServiceConfigurationError "svc.LauncherGreeter not a subtype"
            for (Object provider : ServiceLoader.load(greeter, app)) {
                providers.add(provider.getClass().getName());
            }
            assertEquals(List.of("svc.AppGreeter"), providers);
            assertEquals(1, Collections.list(app.getResources("META-INF/services/svc.Greeter")).size());
        }
    }

    @Test
    void aServiceTypeOfTheLauncherKeepsItsProviders() throws Exception {
        try (URLClassLoader launcher = launcher(); WebAppClassLoader app = application(launcher)) {
            assertFalse(WebAppClassLoader.definesServiceType(app, "META-INF/services/shared.Codec"));
            List<String> providers = new ArrayList<>();
            for (Object provider : ServiceLoader.load(app.loadClass("shared.Codec"), app)) {
                providers.add(provider.getClass().getName());
            }
            assertEquals(List.of("shared.LauncherCodec"), providers);
            assertTrue(Collections.list(app.getResources("META-INF/services/no.such.Type")).isEmpty());
        }
    }

    /** Jetty, which the launcher carries for its Jetty engine, is hidden as Jetty hides it: alike on both engines. */
    @Test
    void theLaunchersJettyIsHiddenAndTheApplicationsOwnCopyIsUsed() throws Exception {
        ClassLoader launcher = WebAppClassLoaderTest.class.getClassLoader(); // has Jetty, as fcgi-bridge.jar
        assertEquals(launcher, launcher.loadClass("org.eclipse.jetty.server.Server").getClassLoader());
        new WarBuilder(dir.resolve("own")).lib("own-jetty.jar", Map.of("org.eclipse.jetty.util.Own",
                "package org.eclipse.jetty.util; public class Own { }"), Map.of());
        try (WebAppClassLoader app = new WebAppClassLoader(new URL[] {jar("own", "own-jetty.jar")}, launcher)) {
            assertThrows(ClassNotFoundException.class, () -> app.loadClass("org.eclipse.jetty.server.Server"));
            assertNull(app.getResource("org/eclipse/jetty/server/Server.class"));
            assertTrue(Collections.list(app.getResources("org/eclipse/jetty/server/Server.class")).isEmpty());
            assertEquals(app, app.loadClass("org.eclipse.jetty.util.Own").getClassLoader());
            // the rest of the launcher's class path stays visible, as in Jetty
            assertEquals(launcher.loadClass("org.slf4j.Logger"), app.loadClass("org.slf4j.Logger"));
        }
    }
}
