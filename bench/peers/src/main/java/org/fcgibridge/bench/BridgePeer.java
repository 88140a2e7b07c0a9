package org.fcgibridge.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.zip.CRC32;
import org.fcgibridge.core.net.ListenAddress;
import org.fcgibridge.core.runner.RunnerFactory;
import org.fcgibridge.core.server.FcgiServer;
import org.fcgibridge.core.server.ServerParams;
import org.fcgibridge.servlet.ServletResponder;
import org.fcgibridge.servlet.container.BridgeServletContext;
import org.fcgibridge.servlet.container.WebResources;

/**
 * The bridge serving the same hello servlet as {@link JettyFcgiPeer}, and an upload servlet that reads a whole body.
 * {@code java -cp ... BridgePeer 127.0.0.1:PORT}
 */
public final class BridgePeer {
    private BridgePeer() {
    }

    /** Reads the body and answers with its length and CRC-32 (run with a small heap to show it streams). */
    public static final class UploadServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            CRC32 crc = new CRC32();
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                crc.update(buffer, 0, n);
                total += n;
            }
            response.setContentType("text/plain");
            response.getWriter().print("bytes=" + total + " crc32=" + Long.toHexString(crc.getValue())
                    + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "\n");
        }
    }

    public static void main(String[] args) throws Exception {
        BridgeServletContext app = new BridgeServletContext("", BridgePeer.class.getClassLoader(),
                WebResources.none());
        app.addServlet("hello", new JettyFcgiPeer.HelloServlet()).addMapping("/*");
        app.addServlet("upload", new UploadServlet()).addMapping("/servlet-upload/*");
        app.start();
        FcgiServer server = FcgiServer.start(ListenAddress.parse(args[0]),
                ServerParams.defaults().withRequestTimeout(Duration.ZERO), RunnerFactory.of(new ServletResponder(app)));
        System.out.println("bridge listening on " + server.describeAddress());
        Thread.currentThread().join();
    }
}
