package io.labforge.common.messaging;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The logical name and version a payload record travels under. The Java class name never goes
 * on the wire: moving or renaming a record must not break a running fleet.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Message {
    /** e.g. {@code agent.SetHostname}: worker prefix, then the command or event name. */
    String name();

    int version() default 1;
}
