//! Interview mode: every question with its model answer (revealed on demand),
//! its lesson, its live example and its task — checked against the analysis
//! when that example is in the editor, and remembered once solved (the app
//! keeps the progress in local storage; nothing leaves the browser).

use kubeplay_core::lessons::interview::QUESTIONS;
use yew::prelude::*;

use crate::components::findings::message_html;
use crate::components::lesson::lesson_link;

/// What the interview needs (a plain function, not a component: it re-renders with the app).
pub struct InterviewProps<'a> {
    /// The example in the editor.
    pub example: Option<&'static str>,
    /// Tasks on the analysed text: (question id, done).
    pub tasks: &'a [(String, bool)],
    pub solved: &'a [&'static str],
    pub embed: bool,
    pub on_example: Callback<&'static str>,
    pub on_lesson: Callback<&'static str>,
    pub on_reset: Callback<()>,
}

pub fn interview_view(props: InterviewProps<'_>) -> Html {
    let on_reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_: MouseEvent| on_reset.emit(()))
    };
    let solved = QUESTIONS.iter().filter(|q| props.solved.contains(&q.id)).count();
    html! {
        <div class="interview" data-testid="interview">
            <header class="interview-head">
                <h2>{"Interview questions"}</h2>
                <p class="summary-text">{"The material's four questions and the ones its sections raise. Answer aloud, reveal the model answer, then do the task on the live example: it is checked against the analysis."}</p>
                <div class="progress-line">
                    <progress max={QUESTIONS.len().to_string()} value={solved.to_string()} aria-label="Tasks solved"></progress>
                    <span data-testid="interview-progress">{format!("{solved} of {} tasks solved", QUESTIONS.len())}</span>
                    <button class="action" data-testid="reset-progress" onclick={on_reset} disabled={solved == 0}
                        title="Forget the solved tasks (kept in this browser only)">{"Reset progress"}</button>
                </div>
            </header>
            <ol class="questions">
                { for QUESTIONS.iter().map(|question| {
                    let live = (props.example == Some(question.example))
                        .then(|| props.tasks.iter().find(|(id, _)| id == question.id).map(|(_, done)| *done))
                        .flatten();
                    let remembered = props.solved.contains(&question.id);
                    let (state, label) = match (live, remembered) {
                        (Some(true), _) => ("done", "Done on the live example"),
                        (Some(false), true) => ("solved", "Solved before · not on the text now"),
                        (Some(false), false) => ("open", "Not yet · the example is in the editor"),
                        (None, true) => ("solved", "Solved"),
                        (None, false) => ("open", "Not yet"),
                    };
                    let lesson = kubeplay_core::lessons::lesson(question.lesson);
                    let open_example = {
                        let on_example = props.on_example.clone();
                        let id = question.example;
                        Callback::from(move |_: MouseEvent| on_example.emit(id))
                    };
                    let here = props.example == Some(question.example);
                    html! {
                        <li class={classes!("question", format!("task-{state}"))} data-question={question.id}
                            data-solved={(remembered || live == Some(true)).to_string()}>
                            <p class="q">
                                if question.from_material { <span class="badge">{"from the material"}</span> }
                                {message_html(question.question)}
                            </p>
                            <details class="answer">
                                <summary>{"Model answer"}</summary>
                                <p>{message_html(question.answer)}</p>
                            </details>
                            <p class="task">
                                <span class="tick" aria-hidden="true">{ if state == "open" { "○" } else { "✓" } }</span>
                                <span><strong>{"Task: "}</strong>{message_html(question.task)}</span>
                                <span class="task-state" data-testid="task-state">{label}</span>
                            </p>
                            <p class="question-links">
                                <button class="action" data-testid="open-example" onclick={open_example} aria-pressed={here.to_string()}>
                                    { if here { "Live example open" } else { "Open the live example" } }
                                </button>
                                if let Some(lesson) = lesson {
                                    { lesson_link(lesson, props.embed, &props.on_lesson, html! { <>{format!("Lesson: {}", lesson.section)}</> }) }
                                }
                            </p>
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
