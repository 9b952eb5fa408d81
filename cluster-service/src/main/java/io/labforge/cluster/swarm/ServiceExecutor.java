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


/**
 * R18: a replicated service from the lab file, through the Engine API of a manager: created, or
 * updated where it differs (image, replicas, constraints, ports, labels, command), then awaited until
 * as many tasks run as the lab asks (the saga's step shows the service converged).
 */
public final class ServiceExecutor implements Executor<EnsureService> {
    private final Managers managers;

    public ServiceExecutor(Managers managers) {
        this.managers = managers;
    }

    @Override
    public Class<EnsureService> commandType() {
        return EnsureService.class;
    }


    @Override
    public Outcome check(EnsureService c, StepContext ctx) {
        ServiceSpec want = SwarmServices.spec(c.service());
        return managers.call(c.lab(), c.manager(), dc -> {
            Optional<Service> have = SwarmServices.find(dc, c.service().name());
            if (have.isEmpty()) {
                return Outcome.of(true, "+ service " + c.service().name() + " (" + c.service().image() + " × " + c.service().replicas() + ")",
                        Json.object().put("created", false));
            }
            List<String> d = SwarmServices.differences(have.get().getSpec(), want);
            return Outcome.of(!d.isEmpty(), d.isEmpty() ? "service " + c.service().name() + " as the lab says" : String.join("\n", d),
                    Json.object().put("created", false).put("serviceId", have.get().getId()));
        });
    }

    @Override
    public Outcome apply(EnsureService c, StepContext ctx) {
        try {
            return managers.call(c.lab(), c.manager(), dc -> converge(c, ctx, dc));
        } catch (DockerException e) {
            throw new ExecutorException("the manager " + c.manager() + " refused: " + e.getMessage(), true, e);
        }
    }

    /** Creates or updates the service to match, then waits until its tasks run. */
    private static Outcome converge(EnsureService c, StepContext ctx, DockerClient dc) {
        ServiceSpec want = SwarmServices.spec(c.service(), SwarmServices.ensureConfigs(dc, c.service()));
        Optional<Service> have = SwarmServices.find(dc, c.service().name());
        boolean created = have.isEmpty();
        String id;
        List<String> d;
        if (created) {
            id = dc.createServiceCmd(want).exec().getId();
            d = List.of("+ service " + c.service().name() + " (" + c.service().image() + " × " + c.service().replicas() + ")");
        } else {
            id = have.get().getId();
            d = SwarmServices.differences(have.get().getSpec(), want);
            if (!d.isEmpty()) {
                dc.updateServiceCmd(id, want).withVersion(have.get().getVersion().getIndex()).exec();
            }
        }
        long running = SwarmServices.awaitConverged(dc, c.service().name(), c.service().replicas(), ctx);
        SwarmServices.pruneConfigs(dc, c.service().name(), SwarmServices.configNames(c.service()));
        return Outcome.of(created || !d.isEmpty(), (d.isEmpty() ? "service " + c.service().name() + " as the lab says"
                : String.join("\n", d)) + "\n" + running + "/" + c.service().replicas() + " tasks running",
                Json.object().put("created", created).put("serviceId", id).put("running", running));
    }
}
