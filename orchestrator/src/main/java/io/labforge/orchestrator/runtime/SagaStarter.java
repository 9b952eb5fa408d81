package io.labforge.orchestrator.runtime;

import io.labforge.common.id.LabId;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabError;
import io.labforge.orchestrator.planner.Plan;
import io.labforge.orchestrator.saga.Saga;
import java.util.List;

/** What a submission needs of the saga owner: start a saga for a plan, or record a lab it refused. */
public interface SagaStarter {
    SagaId submitPlan(LabId lab, String source, Plan plan, Lab.FailurePolicy policy, Saga.Mode mode, String actor);

    void recordRejection(String actor, Saga.Mode mode, List<LabError> errors);
}
