//! Resume bit for bit: 10 steps straight versus 5 steps, export, rebuild
//! everything from the export (a fresh model whose parameters have new
//! `ParamId`s, a fresh optimizer, schedule and average), 5 more steps.

use autograd::Tape;
use ndarray::{Array2, array};
use nn::layers::Affine;
use nn::optim::schedule::{Direction, Plateau, Schedule};
use nn::optim::*;
use nn::{Module, losses};
use rand::SeedableRng;

type Make = fn() -> Box<dyn Optimizer<f32>>;

fn options() -> Options {
    Options {
        weight_decay: 0.05,
        clip_norm: Some(0.8),
    }
}

fn makers() -> Vec<Make> {
    vec![
        || {
            Box::new(
                Sgd::new(SgdConfig { lr: 0.1 })
                    .unwrap()
                    .with_options(options())
                    .unwrap(),
            )
        },
        || {
            let cfg = MomentumConfig { lr: 0.1, mu: 0.9 };
            Box::new(Momentum::new(cfg).unwrap().with_options(options()).unwrap())
        },
        || {
            let cfg = NesterovConfig { lr: 0.1, mu: 0.8 };
            Box::new(Nesterov::new(cfg).unwrap().with_options(options()).unwrap())
        },
        || {
            Box::new(
                Adagrad::new(AdagradConfig::default())
                    .unwrap()
                    .with_options(options())
                    .unwrap(),
            )
        },
        || {
            Box::new(
                RmsProp::new(RmsPropConfig::default())
                    .unwrap()
                    .with_options(options())
                    .unwrap(),
            )
        },
        || {
            Box::new(
                Adam::new(AdamConfig::default())
                    .unwrap()
                    .with_options(options())
                    .unwrap(),
            )
        },
    ]
}

/// Everything a run carries between steps.
struct Run {
    net: Affine<f32>,
    opt: Box<dyn Optimizer<f32>>,
    schedule: Plateau,
    ema: Polyak<f32>,
    tape: Tape<f32>,
    count: usize,
}

impl Run {
    fn new(make: Make, w: Array2<f32>, b: Array2<f32>) -> Self {
        Run {
            net: Affine::from_values("fc", w, b).unwrap(),
            opt: make(),
            schedule: Plateau::new(0.1, 0.5, 0, 1e-3, Direction::Min).unwrap(),
            ema: Polyak::new(0.9).unwrap(),
            tape: Tape::new(),
            count: 0,
        }
    }

    fn steps(&mut self, n: usize) {
        let x = array![[1.0f32, -2.0, 0.5], [0.3, 0.8, -1.0], [2.0, 0.1, 0.4]];
        let y = array![[1.0f32, 0.0], [-1.0, 2.0], [0.5, 0.5]];
        // Dropout-free, so the RNG is never drawn from.
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        for _ in 0..n {
            self.opt
                .set_learning_rate(self.schedule.learning_rate())
                .unwrap();
            let loss = train_step(
                &mut self.tape,
                &mut self.net,
                self.opt.as_mut(),
                Some(&mut rng),
                |net, ctx| {
                    let out = net.forward(ctx, ctx.tape().constant(x.clone()));
                    losses::l2_regression(out, &y)
                },
            );
            self.ema.update(&self.net.params());
            // The loss, bumped every other step so the plateau schedule
            // sees non-improving epochs and lowers the rate.
            self.count += 1;
            self.schedule
                .observe(f64::from(loss) + (self.count % 2) as f64);
            self.schedule.advance();
        }
    }

    fn bits(&self) -> Vec<u32> {
        let params = self.net.params();
        params
            .iter()
            .flat_map(|p| p.value().iter().copied().collect::<Vec<_>>())
            .chain(params.iter().flat_map(|p| {
                self.ema
                    .average(p)
                    .unwrap()
                    .iter()
                    .copied()
                    .collect::<Vec<_>>()
            }))
            .map(f32::to_bits)
            .collect()
    }
}

#[test]
fn ten_steps_equal_five_export_restore_five_bit_for_bit() {
    let w = array![[0.5f32, -0.3], [0.2, 0.1], [-0.4, 0.6]];
    let b = array![[0.05f32, -0.05]];
    for make in makers() {
        let mut straight = Run::new(make, w.clone(), b.clone());
        straight.steps(10);

        let mut first = Run::new(make, w.clone(), b.clone());
        first.steps(5);
        let params = first.net.params();
        let (opt_state, sched_state, ema_state) = (
            first.opt.export(&params),
            first.schedule.export::<f32>(),
            first.ema.export(&params),
        );
        let (w5, b5) = (params[0].value().clone(), params[1].value().clone());

        let mut resumed = Run::new(make, w5, b5);
        resumed.count = first.count;
        let params = resumed.net.params();
        resumed.opt.restore(&params, &opt_state).unwrap();
        resumed.schedule.restore(&sched_state).unwrap();
        resumed.ema.restore(&params, &ema_state).unwrap();
        resumed.steps(5);

        let name = straight.opt.name();
        assert!(
            opt_state.scalar("0:fc.W/t") == Some(5.0),
            "{name}: {opt_state:?}"
        );
        assert_eq!(straight.bits(), resumed.bits(), "{name}");
        assert_eq!(straight.schedule, resumed.schedule, "{name}");
        assert_ne!(straight.schedule.learning_rate(), 0.1, "the schedule moved");
    }
}

#[test]
fn restore_refuses_a_mismatched_state() {
    let net =
        Affine::from_values("fc", Array2::<f32>::zeros((3, 2)), Array2::zeros((1, 2))).unwrap();
    let params = net.params();
    let mut adam = Adam::<f32>::new(AdamConfig::default()).unwrap();
    let mut state = State::new("sgd");
    assert!(matches!(
        adam.restore(&params, &state),
        Err(StateError::WrongKind { .. })
    ));
    state.kind = "adam".into();
    assert!(matches!(
        adam.restore(&params, &state),
        Err(StateError::Missing { .. })
    ));
    state.scalars.insert("lr".into(), 1e-3);
    state.scalars.insert("0:fc.W/t".into(), 1.0);
    state
        .arrays
        .insert("0:fc.W/m".into(), Array2::zeros((3, 2)));
    let missing_v = adam.restore(&params, &state).unwrap_err();
    assert!(missing_v.to_string().contains("0:fc.W/v"), "{missing_v}");
    state
        .arrays
        .insert("0:fc.W/v".into(), Array2::zeros((2, 2)));
    assert!(matches!(
        adam.restore(&params, &state),
        Err(StateError::Shape { .. })
    ));
    state
        .arrays
        .insert("0:fc.W/v".into(), Array2::zeros((3, 2)));
    adam.restore(&params, &state).unwrap();
    state.scalars.insert("1:other/t".into(), 1.0);
    assert!(matches!(
        adam.restore(&params, &state),
        Err(StateError::UnknownParam { .. })
    ));
}
