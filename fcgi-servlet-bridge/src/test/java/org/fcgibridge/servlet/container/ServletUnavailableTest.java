package org.fcgibridge.servlet.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.UnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A permanent UnavailableException destroys the servlet only after the calls in service (Servlet 6.0 2.3.4). */
class ServletUnavailableTest {
    @Test
    void aPermanentlyUnavailableServletIsDestroyedWhenItsLastCallEnds() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean destroyed = new AtomicBoolean();
        AtomicBoolean destroyedWhileInService = new AtomicBoolean();
        GenericServlet servlet = new GenericServlet() {
            @Override
            public void service(ServletRequest request, ServletResponse response) throws UnavailableException {
                if (Thread.currentThread().getName().equals("slow")) {
                    inside.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    destroyedWhileInService.set(destroyed.get());
                    return;
                }
                throw new UnavailableException("gone");
            }

            @Override
            public void destroy() {
                destroyed.set(true);
            }
        };
        BridgeServletContext context = new BridgeServletContext("", getClass().getClassLoader(), WebResources.none());
        ServletHolder holder = (ServletHolder) context.addServlet("s", servlet);
        context.start();
        CompletableFuture<Void> slow = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                holder.service(null, null);
                slow.complete(null);
            } catch (Exception e) {
                slow.completeExceptionally(e);
            }
        }, "slow");
        thread.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        assertThrows(UnavailableException.class, () -> holder.service(null, null));
        assertFalse(destroyed.get(), "not destroyed under a call still in service");
        assertThrows(UnavailableException.class, () -> holder.service(null, null), "refused from now on");
        assertFalse(destroyed.get());
        release.countDown();
        slow.get(10, TimeUnit.SECONDS);
        assertFalse(destroyedWhileInService.get());
        assertTrue(destroyed.get(), "destroyed when the last call left");
        context.stop();
    }
}
