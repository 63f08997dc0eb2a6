#pragma once

#include "policy/policy.h"
#include "policy/policyfields.h"

#include <QUndoCommand>

namespace fallback::ui {

class NamespaceTableModel;

// Every change to the edited policy of a NamespaceTableModel is one of these
// commands on the model's QUndoStack, so undo / redo covers all of them.
// Commands find their row by namespace name, not by index: the model may
// add or drop unedited rows when the applied policy changes underneath
// (NamespaceTableModel::setAppliedPolicy), which moves indexes but never
// renames a row. A command whose row is gone does nothing. GUI thread only.

/// Sets one field of one namespace: `before` and `after` are the whole row
/// around the edit, but only `field` is written back, so that values the
/// model followed from the applied policy in between (a bumped version)
/// survive undo and redo.
class EditFieldCommand : public QUndoCommand {
public:
    EditFieldCommand(NamespaceTableModel* model, NamespacePolicy before, NamespacePolicy after,
                     PolicyField field);
    void undo() override;
    void redo() override;

private:
    NamespaceTableModel* m_model;
    NamespacePolicy m_before;
    NamespacePolicy m_after;
    PolicyField m_field;
};

/// Adds `ns` at row `row` (clamped to the rows present when redone).
class AddNamespaceCommand : public QUndoCommand {
public:
    AddNamespaceCommand(NamespaceTableModel* model, int row, NamespacePolicy ns);
    void undo() override;
    void redo() override;

private:
    NamespaceTableModel* m_model;
    int m_row;
    NamespacePolicy m_ns;
};

/// Removes the namespace at `row`; undo puts it back at the same row.
class RemoveNamespaceCommand : public QUndoCommand {
public:
    RemoveNamespaceCommand(NamespaceTableModel* model, int row, NamespacePolicy ns,
                           QUndoCommand* parent = nullptr);
    void undo() override;
    void redo() override;

private:
    NamespaceTableModel* m_model;
    int m_row;
    NamespacePolicy m_ns;
};

/// Replaces the whole edited policy (revert to the applied one); undo
/// restores the policy as it was before.
class ReplacePolicyCommand : public QUndoCommand {
public:
    ReplacePolicyCommand(NamespaceTableModel* model, Policy before, Policy after, const QString& text);
    void undo() override;
    void redo() override;

private:
    NamespaceTableModel* m_model;
    Policy m_before;
    Policy m_after;
};

} // namespace fallback::ui
