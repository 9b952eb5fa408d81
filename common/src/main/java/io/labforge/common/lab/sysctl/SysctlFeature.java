package io.labforge.common.lab.sysctl;

import io.labforge.common.lab.Feature;
import java.util.List;

/** Kernel parameters of hosts and roles (R24's forwarding and bridge settings), set now and at boot. */
public final class SysctlFeature {
    public static final Feature FEATURE = new Feature("sysctl", List.of(), List.of(SysctlReader.SETTING),
            List.of(SetSysctls.class, RestoreSysctls.class));

    private SysctlFeature() {
    }
}
