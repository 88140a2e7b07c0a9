package org.fcgibridge.core.protocol;

import java.time.Duration;

/**
 * What {@link ConnectionProtocol} enforces on a connection, and reports to a web server that asks with GET_VALUES.
 *
 * @param maxConns                 FCGI_MAX_CONNS, as reported (the server counts connections: {@link Capacity})
 * @param maxReqs                  FCGI_MAX_REQS, as reported (the server counts requests: {@link Capacity})
 * @param mpxsConns                FCGI_MPXS_CONNS: whether a connection may carry concurrent requests
 * @param maxRequestsPerConnection concurrent request ids on one multiplexed connection; more is a protocol error
 * @param maxParamsBytes           bytes of one request's PARAMS stream; more is a protocol error
 * @param maxBodyBytes             bytes of a body a request may declare in CONTENT_LENGTH, 0 for no limit
 * @param paramsTimeout            from BEGIN_REQUEST until the PARAMS stream has ended (zero: no limit)
 */
public record ProtocolLimits(int maxConns, int maxReqs, boolean mpxsConns, int maxRequestsPerConnection,
                             int maxParamsBytes, long maxBodyBytes, Duration paramsTimeout) {
}
