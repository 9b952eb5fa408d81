package io.labforge.common.lab;

/**
 * A file or directory next to the lab file that a section names ({@code path}, relative to the lab
 * file's directory), where in the lab it is named ({@code field}, e.g. {@code gitlab.tls.ca}) and how
 * much of it may travel with the lab.
 */
public record LabFileRef(String path, String field, boolean directory, int maxBytes) {
}
