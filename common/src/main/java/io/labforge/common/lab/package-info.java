/**
 * The lab file's core and the extension points features plug into: {@link io.labforge.common.lab.Lab}
 * (name, domain, roles, hosts, and the features' parts), {@link io.labforge.common.lab.LabParser} (reads
 * the core, then each feature's {@link io.labforge.common.lab.LabSection} and
 * {@link io.labforge.common.lab.HostSetting}), the YAML walker that collects every error with its line,
 * and the files a lab sends with it. Each feature's contracts live in a sub-package.
 */
package io.labforge.common.lab;
