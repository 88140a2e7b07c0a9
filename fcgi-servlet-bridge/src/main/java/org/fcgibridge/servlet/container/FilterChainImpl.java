package org.fcgibridge.servlet.container;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * The filters of one dispatch in order, then the servlet. Each filter and the servlet run with the web
 * application's class loader as the thread's context class loader.
 */
final class FilterChainImpl implements FilterChain {
    private final List<FilterHolder> filters;
    private final ServletHolder servlet;
    private final BridgeRequest base;
    private int next;

    FilterChainImpl(List<FilterHolder> filters, ServletHolder servlet, BridgeRequest base) {
        this.filters = filters;
        this.servlet = servlet;
        this.base = base;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
        if (next < filters.size()) {
            FilterHolder holder = filters.get(next++);
            boolean previous = base.asyncSupported;
            base.asyncSupported = previous && holder.isAsyncSupported();
            try {
                holder.filter().doFilter(request, response, this);
            } finally {
                base.asyncSupported = previous;
            }
            return;
        }
        if (servlet == null) {
            return;
        }
        boolean previous = base.asyncSupported;
        base.asyncSupported = previous && servlet.isAsyncSupported();
        try {
            servlet.service(request, response);
        } finally {
            base.asyncSupported = previous;
        }
    }
}
