package org.fcgibridge.core.ops;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.fcgibridge.core.protocol.ProtocolMonitor;
import org.fcgibridge.core.protocol.RequestRecord;

/**
 * STAND-IN on the slowlog branch for the status branch's ServerStatus: only what {@link SlowLog} uses (the requests
 * in flight, a count of slow requests). On a merge, the status branch's class replaces this one whole.
 */
public class ServerStatus implements ProtocolMonitor {
    private final Set<RequestRecord> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong slowRequests = new AtomicLong();

    @Override
    public void started(RequestRecord request) {
        inFlight.add(request);
    }

    @Override
    public void ended(RequestRecord request) {
        inFlight.remove(request);
    }

    /** The requests started and not yet ended. */
    public Collection<RequestRecord> inFlight() {
        return List.copyOf(inFlight);
    }

    /** The slow log found a request past its timeout. */
    public void slowRequest() {
        slowRequests.incrementAndGet();
    }

    public long slowRequests() {
        return slowRequests.get();
    }
}
