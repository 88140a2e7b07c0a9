package org.fcgibridge.servlet.frameworks;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Set;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * A Jersey 3.1 application: Jersey's own ServletContainer serving JAX-RS resources under /rest.
 */
public final class JerseyApp implements ServletContainerInitializer {
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        ResourceConfig config = new ResourceConfig(Greetings.class);
        ServletRegistration.Dynamic jersey = context.addServlet("jersey", new ServletContainer(config));
        jersey.addMapping("/rest/*");
        jersey.setLoadOnStartup(1);
    }

    /** A JAX-RS resource. */
    @Path("/greetings")
    public static class Greetings {
        @Context
        UriInfo uri;

        @GET
        @Path("/{name}")
        @Produces(MediaType.TEXT_PLAIN)
        public String greet(@PathParam("name") String name, @QueryParam("punctuation") String punctuation) {
            return "Hello, " + name + (punctuation == null ? "." : punctuation) + " at " + uri.getPath();
        }

        @POST
        @Consumes(MediaType.TEXT_PLAIN)
        @Produces(MediaType.TEXT_PLAIN)
        public Response echo(String body) {
            return Response.status(201).header("X-Length", body.length()).entity(body.toUpperCase()).build();
        }

        @GET
        @Path("/missing")
        public Response missing() {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
    }
}
