package org.fcgibridge.sample.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The name of a web server variant in the interoperability matrix: "nginx TCP, keep_conn on". */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Variant {
    String value();
}
