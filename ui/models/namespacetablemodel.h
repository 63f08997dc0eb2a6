#pragma once

#include "policy/policy.h"
#include "policy/policyfields.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <string_view>
#include <vector>

class QUndoStack;

namespace fallback::ui {

class EditFieldCommand;
class AddNamespaceCommand;
class RemoveNamespaceCommand;
class ReplacePolicyCommand;

/// The namespaces of an edited policy, one row each, compared with the
/// policy in force (the applied one) for the Namespaces tab (SPEC §7).
///
/// Cells show values as the policy file writes them (`300s`, `256KiB`);
/// edits are parsed with the loader's own rules (policy/policyfields.h) and a
/// refused value leaves the model unchanged and emits validationFailed().
/// Every accepted change is a command on undoStack(). Rows are matched with
/// the applied policy by namespace name. GUI thread only.
class NamespaceTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Name, Version, Ttl, Swr, Sie, MaxObjectSize, WriteMode, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        /// The typed value: QString (Name), quint64 (Version), qint64
        /// microseconds (Ttl, Swr, Sie), quint64 bytes (MaxObjectSize), int
        /// fallback::WriteMode (WriteMode). Also the sort role.
        RawValueRole = Qt::UserRole + 1,
        ChangedRole,     ///< bool: this cell differs from the applied policy (always true on a new row)
        ErrorRole,       ///< QString: what is wrong with the cell's value, empty when valid
        RowStateRole,    ///< int RowState of the whole row
        AppliedTextRole, ///< QString: the applied value as text, empty on a new row
    };
    enum class RowState { Unchanged, Changed, Added };
    Q_ENUM(RowState)

    explicit NamespaceTableModel(QObject* parent = nullptr);
    ~NamespaceTableModel() override;

    static PolicyField fieldOf(int column);
    static int columnOf(PolicyField field);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    /// EditRole only, any value convertible to text (trimmed). Returns false
    /// and emits validationFailed() for an invalid value, a duplicate name or
    /// a read-only model; true (and pushes one command) otherwise.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    /// The edited policy.
    const Policy& policy() const { return m_policy; }
    /// The policy in force as last reported by the workspace.
    const Policy& appliedPolicy() const { return m_applied; }

    /// Starts over: edits `edited` against `applied`, clears the undo stack.
    void resetPolicies(const Policy& edited, const Policy& applied);
    /// A new policy in force (a bump, an apply, another console). Edited
    /// values the user has not changed follow it, field by field; namespaces
    /// it adds appear and unedited ones it drops go; the user's edits stay.
    void setAppliedPolicy(const Policy& applied);

    /// The edited policy differs from the applied one (order aside).
    bool isDirty() const { return m_dirty; }
    /// Every rule the edited policy breaks (checkPolicy), empty when valid.
    QStringList problems() const;
    /// Field by field, from the applied policy to the edited one.
    std::vector<PolicyChange> changes() const { return diffPolicy(m_applied, m_policy); }

    /// Refuses every edit and makes cells non-editable.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

    QUndoStack* undoStack() const { return m_undoStack; }

    /// Adds a namespace with the defaults and a unique name (`new-namespace`,
    /// `new-namespace-2`, ...) after `afterRow` (at the end when -1). Returns
    /// its row, -1 when read-only.
    int addNamespace(int afterRow = -1);
    /// Removes these rows as one undoable step. False when none / read-only.
    bool removeNamespaces(QList<int> rows);
    /// Makes the edited policy the applied one, undoably. False when clean.
    bool revertAll();

    int rowOf(std::string_view name) const;
    QString namespaceAt(int row) const;
    RowState rowState(int row) const;

signals:
    /// A refused edit: `message` says why and quotes the refused text.
    void validationFailed(const QModelIndex& index, const QString& message);
    /// The edited or the applied policy changed: diffs, validity and
    /// dirtiness may have too.
    void policyChanged();
    void dirtyChanged(bool dirty);

private:
    friend class EditFieldCommand;
    friend class AddNamespaceCommand;
    friend class RemoveNamespaceCommand;
    friend class ReplacePolicyCommand;

    // Primitive changes, without undo; the commands call them.
    void assignField(int row, PolicyField field, const NamespacePolicy& source);
    void insertNamespace(int row, NamespacePolicy ns);
    void removeNamespace(int row);
    void replacePolicy(const Policy& policy);

    bool cellChanged(int row, PolicyField field) const;
    unsigned changedMask(int row) const;
    QString cellError(int row, PolicyField field) const;
    QString uniqueName() const;
    void emitRow(int row);
    void policyEdited();

    Policy m_policy;
    Policy m_applied;
    QUndoStack* m_undoStack = nullptr;
    bool m_readOnly = false;
    bool m_dirty = false;
};

} // namespace fallback::ui
