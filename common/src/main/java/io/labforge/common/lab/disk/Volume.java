package io.labforge.common.lab.disk;

/**
 * A logical volume of a disk (R3): size {@code 15G}, {@code 512M} or {@code 100%FREE}; a filesystem
 * ({@code ext4}, {@code xfs}) and a mount point when mounted; {@code allowShrink} lets a smaller size
 * shrink an existing volume (refused otherwise).
 */
public record Volume(String name, Size size, String filesystem, String mount, boolean allowShrink) {
}
