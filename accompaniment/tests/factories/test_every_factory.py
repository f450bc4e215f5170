import pytest

from clients.tests import factories as cf
from programs.tests import factories as pf
from sales.tests import factories as sf
from staff.tests import factories as stf

ALL_FACTORIES = [
    cf.ContraindicationFactory, cf.ClientFactory, cf.MeasurementFactory, cf.MembershipPlanFactory,
    cf.MembershipFactory, cf.FreezeFactory, cf.VisitFactory, cf.InteractionFactory,
    cf.TaskFactory, cf.NotificationFactory, stf.DepartmentFactory, stf.ServiceFactory,
    stf.StaffMemberFactory, stf.PayRateFactory, stf.FeedbackFactory, stf.SurveyResponseFactory,
    stf.CompetencyAssessmentFactory, stf.CompetencyScoreFactory, pf.ProgramTemplateFactory,
    pf.ProgramTemplateItemFactory, pf.ProgramFactory, pf.ProgramItemFactory, pf.SessionFactory,
    sf.ProductFactory, sf.RecommendationFactory, sf.PromotionFactory, sf.UpsellPolicyFactory,
    sf.OfferFactory, sf.SaleFactory, sf.DepartmentExpenseFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", ALL_FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory):
    stf.DepartmentFactory(code="fitness", name="Fitness")  # the department of MembershipPlanFactory's plans
    obj = factory()
    obj.full_clean()
    assert obj.pk
