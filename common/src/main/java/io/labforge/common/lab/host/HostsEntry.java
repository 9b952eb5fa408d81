package io.labforge.common.lab.host;

import java.util.List;

public record HostsEntry(String address, List<String> names) {
}
