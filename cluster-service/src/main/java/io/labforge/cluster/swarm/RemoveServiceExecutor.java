package io.labforge.cluster.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Config;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecConfig;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.EnsureService;
import io.labforge.common.lab.swarm.PublishedPort;
import io.labforge.common.lab.swarm.RemoveService;
import io.labforge.common.lab.swarm.ScaleService;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.messaging.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;


/** {@link RemoveService}: only a service the step created, and its configs. */
public final class RemoveServiceExecutor implements Executor<RemoveService> {
    private final Managers managers;

    public RemoveServiceExecutor(Managers managers) {
        this.managers = managers;
    }

    @Override
    public Class<RemoveService> commandType() {
        return RemoveService.class;
    }

    @Override
    public Outcome check(RemoveService c, StepContext ctx) {
        return run(c, false);
    }

    @Override
    public Outcome apply(RemoveService c, StepContext ctx) {
        return run(c, true);
    }

    private Outcome run(RemoveService c, boolean apply) {
        if (!c.created()) {
            return Outcome.unchanged("service " + c.name() + " was not created by this lab: kept");
        }
        return managers.call(c.lab(), c.manager(), dc -> {
            Optional<Service> have = SwarmServices.find(dc, c.name());
            if (have.isEmpty()) {
                return Outcome.unchanged("service " + c.name() + " is gone");
            }
            if (apply) {
                dc.removeServiceCmd(have.get().getId()).exec();
                SwarmServices.awaitGone(dc, c.name());
                SwarmServices.pruneConfigs(dc, c.name(), Set.of());
            }
            return Outcome.of(true, "- service " + c.name(), Json.object());
        });
    }
}
