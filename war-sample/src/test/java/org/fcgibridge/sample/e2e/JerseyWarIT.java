package org.fcgibridge.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.fcgibridge.servlet.testing.WarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unmodified Jersey 3.1 application (jersey-container-servlet), its ServletContainer declared in web.xml with
 * async support and its resources found by package scanning in WEB-INF/classes, plus a WebJar (jQuery) in
 * WEB-INF/lib whose META-INF/resources the container serves as static files; deployed by the launcher on both
 * engines. One WAR, one launched bridge per engine.
 */
class JerseyWarIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, RunningBridge> BRIDGES = new HashMap<>();

    @TempDir
    static Path dir;

    private static final String GREETINGS = """
            package rest;
            import jakarta.ws.rs.*;
            import jakarta.ws.rs.core.*;
            @Path("/greetings")
            public class Greetings {
              @Context UriInfo uri;
              @GET @Path("/{name}") @Produces(MediaType.TEXT_PLAIN)
              public String greet(@PathParam("name") String name, @QueryParam("punctuation") String punctuation) {
                return "Hello, " + name + (punctuation == null ? "." : punctuation) + " at " + uri.getPath();
              }
              @POST @Consumes(MediaType.TEXT_PLAIN) @Produces(MediaType.TEXT_PLAIN)
              public Response echo(String body) {
                return Response.status(201).header("X-Length", body.length()).entity(body.toUpperCase()).build();
              }
              @POST @Path("/form") @Consumes(MediaType.APPLICATION_FORM_URLENCODED) @Produces(MediaType.TEXT_PLAIN)
              public String form(@FormParam("name") String name, @FormParam("age") int age) {
                return name + " is " + age;
              }
              @GET @Path("/later") @Produces(MediaType.TEXT_PLAIN)
              public void later(@jakarta.ws.rs.container.Suspended jakarta.ws.rs.container.AsyncResponse response) {
                new Thread(() -> response.resume("resumed on another thread")).start();
              }
              @GET @Path("/missing")
              public Response missing() {
                return Response.status(Response.Status.NOT_FOUND).build();
              }
            }
            """;

    private static String jquery;

    private static synchronized RunningBridge bridge(String engine) throws Exception {
        RunningBridge running = BRIDGES.get(engine);
        if (running != null) {
            return running;
        }
        Path build = dir.resolve("war");
        if (!Files.exists(build.resolve("rest.war"))) {
            Path webjar = ClassPathJars.of("org.webjars", "jquery");
            jquery = ClassPathJars.version(webjar);
            WarBuilder war = new WarBuilder(build)
                    .source("rest.Greetings", GREETINGS)
                    .file("index.html", "<!DOCTYPE html><script src=\"webjars/jquery/" + jquery
                            + "/jquery.min.js\"></script>")
                    .webXml("""
                            <?xml version="1.0" encoding="UTF-8"?>
                            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                              <servlet>
                                <servlet-name>jersey</servlet-name>
                                <servlet-class>org.glassfish.jersey.servlet.ServletContainer</servlet-class>
                                <init-param>
                                  <param-name>jersey.config.server.provider.packages</param-name>
                                  <param-value>rest</param-value>
                                </init-param>
                                <load-on-startup>1</load-on-startup>
                                <async-supported>true</async-supported>
                              </servlet>
                              <servlet-mapping>
                                <servlet-name>jersey</servlet-name>
                                <url-pattern>/rest/*</url-pattern>
                              </servlet-mapping>
                            </web-app>
                            """)
                    .lib(webjar);
            // what jersey-container-servlet and jersey-hk2 bring
            ClassPathJars.ofGroups("org.glassfish.jersey.containers", "org.glassfish.jersey.core",
                    "org.glassfish.jersey.inject", "org.glassfish.hk2", "org.glassfish.hk2.external",
                    "org.javassist", "jakarta.ws.rs", "jakarta.inject", "jakarta.annotation", "jakarta.validation")
                    .forEach(war::lib);
            war.packed("rest");
        }
        running = RunningBridge.startWar(Files.createDirectories(dir.resolve(engine)), build.resolve("rest.war"),
                "--engine", engine, "--http", "0");
        BRIDGES.put(engine, running);
        return running;
    }

    @AfterAll
    static void stopBridges() {
        BRIDGES.values().forEach(RunningBridge::close);
        BRIDGES.clear();
    }

    private static HttpResponse<String> send(String engine, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + bridge(engine).httpPort() + path)).timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(engine + " " + path + ": " + e, e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void jerseyResourcesFoundByPackageScanningAnswer(String engine) throws Exception {
        HttpResponse<String> hello = send(engine, "/rest/greetings/caf%C3%A9?punctuation=!", null, null);
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("Hello, caf\u00e9! at greetings/caf\u00e9", hello.body());

        HttpResponse<String> echo = send(engine, "/rest/greetings", "text/plain", "make me loud");
        assertEquals(201, echo.statusCode(), echo.body());
        assertEquals("MAKE ME LOUD", echo.body());
        assertEquals("12", echo.headers().firstValue("X-Length").orElse(null));

        // the body of a form post is Jersey's: the container must not have consumed it as parameters
        HttpResponse<String> form = send(engine, "/rest/greetings/form", "application/x-www-form-urlencoded",
                "name=J%C3%BCrgen&age=41");
        assertEquals(200, form.statusCode(), form.body());
        assertEquals("J\u00fcrgen is 41", form.body());

        // @Suspended: Jersey's AsyncResponse on the container's startAsync
        HttpResponse<String> later = send(engine, "/rest/greetings/later", null, null);
        assertEquals(200, later.statusCode(), later.body());
        assertEquals("resumed on another thread", later.body());

        assertEquals(404, send(engine, "/rest/greetings/missing", null, null).statusCode());
        assertEquals(404, send(engine, "/rest/nowhere/at/all", null, null).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standalone", "jetty"})
    void aWebJarIsServedFromItsMetaInfResources(String engine) throws Exception {
        HttpResponse<String> index = send(engine, "/", null, null);
        assertEquals(200, index.statusCode(), index.body());
        assertTrue(index.body().contains("webjars/jquery/"), index.body());

        HttpResponse<String> script = send(engine, "/webjars/jquery/" + jquery + "/jquery.min.js", null, null);
        assertEquals(200, script.statusCode(), script.body());
        assertTrue(script.body().startsWith("/*! jQuery v" + jquery + " "), script.body().substring(0, 80));
        assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                script.headers().toString());
        assertEquals(404, send(engine, "/webjars/jquery/" + jquery + "/no-such.js", null, null).statusCode());
        // META-INF of the jar is not the application's
        assertEquals(404, send(engine, "/META-INF/resources/webjars/jquery/" + jquery + "/jquery.min.js", null,
                null).statusCode());
    }
}
