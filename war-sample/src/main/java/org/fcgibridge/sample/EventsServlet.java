package org.fcgibridge.sample;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Server-sent events, asynchronously: {@code /events?count=N} sends N events 100 ms apart from a timer thread, each
 * flushed as it is written, then completes. Behind nginx, use {@code fastcgi_buffering off} for this path.
 */
@WebServlet(value = "/events", asyncSupported = true)
public final class EventsServlet extends HttpServlet {
    private transient ScheduledExecutorService timer;

    @Override
    public void init() {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sample-events");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int count = request.getParameter("count") == null ? 5 : Integer.parseInt(request.getParameter("count"));
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.flushBuffer();
        AsyncContext async = request.startAsync();
        async.setTimeout(count * 100L + 10_000);
        AtomicInteger sent = new AtomicInteger();
        timer.schedule(new Runnable() {
            @Override
            public void run() {
                try {
                    PrintWriter out = async.getResponse().getWriter();
                    int n = sent.incrementAndGet();
                    out.print("id: " + n + "\ndata: tick " + n + "\n\n");
                    out.flush();
                    async.getResponse().flushBuffer();
                    if (n < count) {
                        timer.schedule(this, 100, TimeUnit.MILLISECONDS);
                    } else {
                        async.complete();
                    }
                } catch (IOException | IllegalStateException e) {
                    async.complete();
                }
            }
        }, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
