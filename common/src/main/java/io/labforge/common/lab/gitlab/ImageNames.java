package io.labforge.common.lab.gitlab;

import java.util.regex.Pattern;

/**
 * R7: the parts of an image reference pushed to GitLab's registry, as Docker Distribution accepts them:
 * the rules the lab file's reader and the agent's push both apply.
 */
public final class ImageNames {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");

    private ImageNames() {
    }

    /** A path component of a repository name: lower case, digits, separated by '.', '_' or '-'. */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    public static boolean isTag(String s) {
        return s != null && TAG.matcher(s).matches();
    }

    /** An image as the local Docker names it ({@code debian:bookworm}, {@code registry:5000/a/b@sha256:…}). */
    public static boolean isReference(String s) {
        return s != null && REFERENCE.matcher(s).matches();
    }
}
