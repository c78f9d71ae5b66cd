#include <cstdio>
#include <riskgrid/riskgrid.hpp>

int main() {
  const riskgrid::scenario::covariance cov{riskgrid::scenario::factor_set({"F"}), Eigen::MatrixXd::Constant(1, 1, 1e-4)};
  const riskgrid::scenario::gaussian_model model(cov, {.seed = 1, .horizon_days = 1});
  riskgrid::portfolio::trade t;
  t.id = "S", t.type = riskgrid::portfolio::trade_type::sensitivity, t.factor = "F", t.delta = 1e6;
  const riskgrid::portfolio::book book({t}, {}, model.factors(), {});
  const riskgrid::exec::pipeline job(model, book, riskgrid::risk::var_es_aggregator(100000, {riskgrid::confidence(0.99)}), {.scenarios = 100000});
  const double var = riskgrid::exec::run(job, riskgrid::exec::serial{}).results()[0].var;
  std::printf("VaR %.2f (closed form %.2f)\n", var, 1e6 * 0.01 * 2.3263478740408408);
  return var > 22000 && var < 24500 ? 0 : 1;
}
